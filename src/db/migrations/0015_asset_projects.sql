-- Reports (#8, #10): each asset's project (the top-level asset it sits under; a top-level asset is its own), kept by
-- triggers as assets are added and moved, so a report finds a unit's project with one join instead of walking the
-- tree of every asset of the organisation: over 108,000 units that walk took 150 ms of every report and most of the
-- dashboard's occupancy (600 ms).

ALTER TABLE assets ADD COLUMN project_id uuid;

WITH RECURSIVE tree (id, project_id) AS (
  SELECT id, id FROM assets WHERE parent_id IS NULL
  UNION
  SELECT a.id, t.project_id FROM assets a JOIN tree t ON a.parent_id = t.id
)
UPDATE assets SET project_id = tree.project_id FROM tree WHERE assets.id = tree.id;

-- An asset added or given another parent: its parent's project, or itself at the top.
CREATE FUNCTION assets_set_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.parent_id IS NULL THEN
    NEW.project_id := NEW.id;
  ELSE
    SELECT project_id INTO NEW.project_id FROM assets WHERE id = NEW.parent_id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER assets_set_project BEFORE INSERT OR UPDATE OF parent_id ON assets
  FOR EACH ROW EXECUTE FUNCTION assets_set_project();

-- A moved asset takes everything under it to its new project.
CREATE FUNCTION assets_move_descendants() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH RECURSIVE below (id) AS (
    SELECT id FROM assets WHERE parent_id = NEW.id
    UNION
    SELECT a.id FROM assets a JOIN below b ON a.parent_id = b.id
  )
  UPDATE assets SET project_id = NEW.project_id
    FROM below
   WHERE assets.id = below.id AND assets.project_id IS DISTINCT FROM NEW.project_id;
  RETURN NULL;
END $$;
CREATE TRIGGER assets_move_descendants AFTER UPDATE OF parent_id ON assets
  FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id) EXECUTE FUNCTION assets_move_descendants();

CREATE INDEX assets_project_idx ON assets (project_id);
