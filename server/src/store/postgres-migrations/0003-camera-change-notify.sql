-- Every change to a camera row (created, renamed, a line set, totals moved by
-- an append or a reset) is announced on channel headcount_camera with the
-- camera id, at commit, so every replica's live mirror reloads it
-- (server/src/replicas/). PostgreSQL folds repeats within one transaction.
CREATE FUNCTION headcount_camera_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('headcount_camera', NEW.camera_id);
  RETURN NULL;
END
$$;
CREATE TRIGGER cameras_changed AFTER INSERT OR UPDATE ON cameras
  FOR EACH ROW EXECUTE FUNCTION headcount_camera_changed();
