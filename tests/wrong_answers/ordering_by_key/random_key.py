"""A random key per event: every event of an account lands on a random partition."""

# >>> ANSWER: key_for
    import uuid

    return uuid.uuid4().bytes
# <<< ANSWER: key_for
