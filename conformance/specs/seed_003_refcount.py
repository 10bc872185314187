# Seed 003, reference counting mechanism: getrefcount of a module-level string
# constant (held by the code's constants and by the name a).
import sys

a = "Python Memory Management"
print(sys.getrefcount(a))  # Outputs the reference count
