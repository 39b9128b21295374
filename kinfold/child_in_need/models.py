"""Models of the child_in_need app."""
