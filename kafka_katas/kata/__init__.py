"""The kata layer: answer parts, the manifest and the self-check."""
