# Error case: a syntax error is reported before anything runs (stdout stays
# empty) and exits with status 1.
print("never printed")
def broken(:
    pass
