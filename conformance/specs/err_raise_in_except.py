# Error case: an exception raised while handling another; the last stderr
# line is the second exception.
try:
    {}["k"]
except KeyError:
    print("handling KeyError")
    raise ValueError("while handling")
