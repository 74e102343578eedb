"""The archive database: schema and migrations, storage, history, versions, the WARC record index, search, diff."""
