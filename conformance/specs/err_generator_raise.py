# Error case: an exception raised inside a generator propagates out of the
# for loop that drives it, after the generator's finally block has run.
def numbers():
    try:
        yield 1
        yield 2
        raise LookupError("no third number")
    finally:
        print("generator finally")


for n in numbers():
    print("got", n)
print("never printed")
