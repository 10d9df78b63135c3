-- docpipe store, version 2 (store/intake): indexes for direct-mode de-duplication and the stuck-row
-- reclaimer. Additive and idempotent.

-- createSourceDocument({ reuseExisting }) looks a file up by content hash.
CREATE INDEX IF NOT EXISTS source_documents_sha256_idx ON source_documents (file_sha256);

-- reclaimStuckRows scans rows in `processing` by start time.
CREATE INDEX IF NOT EXISTS document_processing_queue_processing_idx ON document_processing_queue (started_at) WHERE status = 'processing';
