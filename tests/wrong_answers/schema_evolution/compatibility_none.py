"""Compatibility NONE: every change registers, including ones that break consumers."""


def subject_compatibility() -> str:
    # >>> ANSWER: subject_compatibility
    return "NONE"
    # <<< ANSWER: subject_compatibility
