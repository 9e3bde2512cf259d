"""Pure text processing shared by the importer, the index and the query side.

No Django imports here: a document and a query go through the same functions.
"""
