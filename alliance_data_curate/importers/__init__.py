"""Importers: each turns one upstream dataset into tables under ``imported/<source>/``."""
