"""The pages of a child's journey: case notes, the chronology, supervision and actions."""
