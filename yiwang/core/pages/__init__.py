"""Core's few pages: display preferences (everyone) and health probes (operations)."""
