-- Assay ledger on PostgreSQL: schema, append-only triggers and grants (FORMAT.md §7; generated
-- from Sources/AssayStorePostgres/PostgresSchema.swift, a test checks the two agree).
--
-- Who runs what:
--   1. A superuser creates the roles and the database (once per ledger):
--        CREATE ROLE assay_owner LOGIN;   -- owns the schema; never used by Assay
--        CREATE ROLE assay LOGIN;         -- Assay connects as this role (add PASSWORD '…' for TCP)
--        CREATE DATABASE assay OWNER assay_owner;
--   2. The owner role runs this file in that database:
--        psql "postgres://assay_owner@HOST/assay" -v ON_ERROR_STOP=1 -v assay_role=assay -f setup.sql
--   3. Assay connects as the writer role: assay init --ledger postgres://assay@HOST/assay …
--
-- The writer role gets USAGE on the schema and SELECT, INSERT on its tables: no UPDATE, DELETE,
-- TRUNCATE, TRIGGER or ownership, so it can neither edit nor remove a row, nor drop a guard.
-- Triggers refuse UPDATE, DELETE and TRUNCATE on every table for every role (the owner too), and a
-- record anywhere but at the next sequence number. Only a superuser or the owner can drop them,
-- and `assay verify` reports any missing or altered trigger or function.

\set ON_ERROR_STOP on
BEGIN;
CREATE SCHEMA assay;

CREATE TABLE assay.meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE assay.records (
    seq         bigint PRIMARY KEY CHECK (seq >= 0),
    appended_at bigint NOT NULL,
    kind        text   NOT NULL,
    signer      text   NOT NULL,
    envelope    bytea  NOT NULL,
    leaf_hash   bytea  NOT NULL CHECK (length(leaf_hash) = 32),
    chain_hash  bytea  NOT NULL CHECK (length(chain_hash) = 32)
);

CREATE TABLE assay.nodes (
    id   bigint PRIMARY KEY,
    hash bytea  NOT NULL CHECK (length(hash) = 32)
);

CREATE TABLE assay.checkpoints (
    size       bigint PRIMARY KEY,
    created_at bigint NOT NULL,
    note       bytea  NOT NULL
);

CREATE TABLE assay.subjects (
    subject text   NOT NULL,
    seq     bigint NOT NULL,
    PRIMARY KEY (subject, seq)
);

CREATE TABLE assay.event_ids (
    id  text   NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (id, seq)
);

CREATE TABLE assay.cosignatures (
    size       bigint NOT NULL REFERENCES assay.checkpoints(size),
    witness    text   NOT NULL,
    key_id     text   NOT NULL,
    body       bytea  NOT NULL,
    line       text   NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (size, witness, key_id)
);

CREATE INDEX records_registry ON assay.records(seq) WHERE kind IN ('LedgerGenesis', 'PartyRegistration', 'KeyRevocation', 'AuthorityDelegation');

CREATE INDEX subjects_by_seq ON assay.subjects(seq);

CREATE FUNCTION assay.version() RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT 1::bigint $$;

CREATE FUNCTION assay.refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'assay: %', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END
$$;

CREATE FUNCTION assay.records_contiguous() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1095979865);
    IF NEW.seq IS DISTINCT FROM (SELECT COALESCE(MAX(seq) + 1, 0) FROM assay.records) THEN
        RAISE EXCEPTION 'assay: records must be appended at the next sequence number (got %)', NEW.seq
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER records_contiguous BEFORE INSERT ON assay.records FOR EACH ROW EXECUTE FUNCTION assay.records_contiguous();

CREATE TRIGGER meta_append_only_update BEFORE UPDATE ON assay.meta FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('ledger metadata is write-once');

CREATE TRIGGER meta_append_only_delete BEFORE DELETE ON assay.meta FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('ledger metadata is write-once');

CREATE TRIGGER meta_append_only_truncate BEFORE TRUNCATE ON assay.meta FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('ledger metadata is write-once');

CREATE TRIGGER records_append_only_update BEFORE UPDATE ON assay.records FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('records are append-only');

CREATE TRIGGER records_append_only_delete BEFORE DELETE ON assay.records FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('records are append-only');

CREATE TRIGGER records_append_only_truncate BEFORE TRUNCATE ON assay.records FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('records are append-only');

CREATE TRIGGER nodes_append_only_update BEFORE UPDATE ON assay.nodes FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('tree nodes are append-only');

CREATE TRIGGER nodes_append_only_delete BEFORE DELETE ON assay.nodes FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('tree nodes are append-only');

CREATE TRIGGER nodes_append_only_truncate BEFORE TRUNCATE ON assay.nodes FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('tree nodes are append-only');

CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON assay.checkpoints FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('checkpoints are append-only');

CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON assay.checkpoints FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('checkpoints are append-only');

CREATE TRIGGER checkpoints_append_only_truncate BEFORE TRUNCATE ON assay.checkpoints FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('checkpoints are append-only');

CREATE TRIGGER subjects_append_only_update BEFORE UPDATE ON assay.subjects FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('the subject index is append-only');

CREATE TRIGGER subjects_append_only_delete BEFORE DELETE ON assay.subjects FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('the subject index is append-only');

CREATE TRIGGER subjects_append_only_truncate BEFORE TRUNCATE ON assay.subjects FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('the subject index is append-only');

CREATE TRIGGER event_ids_append_only_update BEFORE UPDATE ON assay.event_ids FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('the event index is append-only');

CREATE TRIGGER event_ids_append_only_delete BEFORE DELETE ON assay.event_ids FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('the event index is append-only');

CREATE TRIGGER event_ids_append_only_truncate BEFORE TRUNCATE ON assay.event_ids FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('the event index is append-only');

CREATE TRIGGER cosignatures_append_only_update BEFORE UPDATE ON assay.cosignatures FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('witness cosignatures are append-only');

CREATE TRIGGER cosignatures_append_only_delete BEFORE DELETE ON assay.cosignatures FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('witness cosignatures are append-only');

CREATE TRIGGER cosignatures_append_only_truncate BEFORE TRUNCATE ON assay.cosignatures FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('witness cosignatures are append-only');

REVOKE ALL ON SCHEMA assay FROM PUBLIC;

REVOKE ALL ON ALL TABLES IN SCHEMA assay FROM PUBLIC;

GRANT USAGE ON SCHEMA assay TO :"assay_role";

GRANT SELECT, INSERT ON assay.meta, assay.records, assay.nodes, assay.checkpoints, assay.subjects, assay.event_ids, assay.cosignatures TO :"assay_role";

GRANT EXECUTE ON FUNCTION assay.version() TO :"assay_role";

COMMIT;
