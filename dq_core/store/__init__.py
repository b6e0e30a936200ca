"""Storage: the workspace file, its territories, catalogue and geography links."""
