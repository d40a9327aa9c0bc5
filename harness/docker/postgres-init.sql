-- Run once by the postgres:15 image on an empty volume (docker-entrypoint-initdb.d),
-- as the POSTGRES_USER (orchestrator): the tests' database next to "orchestrator".
CREATE DATABASE orchestrator_test OWNER orchestrator;
