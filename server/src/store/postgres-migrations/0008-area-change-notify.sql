-- Any change to the areas or their entrances (made through any replica) is
-- announced on channel headcount_areas at commit, so every replica reloads its
-- areas at once instead of at its next periodic reload (server/src/areas/).
-- Statement-level: one notification per statement, and PostgreSQL folds
-- identical ones within a transaction.
CREATE FUNCTION headcount_areas_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('headcount_areas', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER areas_changed AFTER INSERT OR UPDATE OR DELETE ON areas
  FOR EACH STATEMENT EXECUTE FUNCTION headcount_areas_changed();
CREATE TRIGGER area_entrances_changed AFTER INSERT OR UPDATE OR DELETE ON area_entrances
  FOR EACH STATEMENT EXECUTE FUNCTION headcount_areas_changed();
