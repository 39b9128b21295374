"""Models of the child_protection app."""
