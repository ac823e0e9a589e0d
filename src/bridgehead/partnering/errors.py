class PartneringError(Exception):
    """A request the rules of the event refuse; the message is shown to the user as is (translated)."""
