"""The register of interests: topics, deemed interests, declarations and officers' returns."""
