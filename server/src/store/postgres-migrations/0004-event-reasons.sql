-- Why an exit was counted when it was not seen: the session ended with the
-- person still in view (capture_stopped), or the server was killed with the
-- session open and it was closed at the next start (session_lost). The same
-- codes as the SQLite store's event_reasons (migration 3 there).
CREATE TABLE event_reasons (
  reason smallint PRIMARY KEY,
  name text NOT NULL UNIQUE
);
INSERT INTO event_reasons (reason, name) VALUES (1, 'capture_stopped'), (2, 'session_lost');

-- NULL for every event counted from the frames; adding a nullable column rewrites no rows.
ALTER TABLE events ADD COLUMN reason smallint REFERENCES event_reasons (reason);
