"""The practice's rules and types: the workbook's shape, records, money, codes.

Pure: no I/O, no Click, no pandas. Everything else builds on this layer.
"""
