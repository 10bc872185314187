# Seed 002, generators for memory efficiency: a generator yields numbers one at
# a time; the loop breaks early and the generator is closed.
def generate_numbers(n):
    for i in range(n):
        yield i


# Using the generator
for num in generate_numbers(10000):
    print(num)
    if num > 10:
        break
