"""Printed forms of the registry: registers (forms 13/14), receive slips, the list of
letters for destruction (form 25) and outgoing letters (forms 1–4, 8), rendered to PDF
with WeasyPrint and, for the books and lists, to XLSX with openpyxl.

A plain Python package (not a Django app): :mod:`saraban.documents.data` holds the
frozen inputs, :mod:`saraban.documents.render` the public functions.
"""
