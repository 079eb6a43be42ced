"""Analyses over the core form; each attaches or returns facts, never rewrites."""
