-- v1.0.2: planograms become layouts. Renaming the table breaks every query of
-- earlier releases, so rolling back the code alone is not enough: a rollback
-- of v1.0.2 must restore the pre-deploy database as well.
ALTER TABLE planograms RENAME TO planogram_layouts;
