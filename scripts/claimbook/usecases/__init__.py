"""What a practice does, one function each: check out a visit, record a payment,
remind, and the sample practice. Commands and notebooks call these."""
