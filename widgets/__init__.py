"""Reusable widgets that take plain data and post Messages; they never import `store` or `services`."""
