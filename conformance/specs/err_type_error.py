# Error case: adding an int and a str raises TypeError with CPython's message.
items = [1, 2, "3"]
total = 0
for x in items:
    print("adding", repr(x))
    total = total + x
