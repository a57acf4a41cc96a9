"""claimbook: insurance billing for massage and bodywork practices, kept in Excel."""

__version__ = "0.1.0"
