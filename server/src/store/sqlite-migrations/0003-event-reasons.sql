-- event reasons: exits counted because a session ended

CREATE TABLE event_reasons (
  reason INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO event_reasons (reason, name) VALUES (1, 'capture_stopped'), (2, 'session_lost');

-- NULL (one byte in a row) for every event counted from the frames.
ALTER TABLE events ADD COLUMN reason INTEGER REFERENCES event_reasons (reason);
