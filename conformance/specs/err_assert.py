# Error case: a failing assert with a message raises AssertionError.
values = [1, 2, 3]
assert len(values) == 3, "three values"
print("first assert passed")
assert sum(values) == 7, f"sum is {sum(values)}"
