DROP TABLE lead_imports;
