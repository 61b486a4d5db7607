"""Engines that run queries over the property-graph projection."""
