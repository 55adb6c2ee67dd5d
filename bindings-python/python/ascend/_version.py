"""Version numbers: the peer version we are compatible with, and our own SDK version."""

__all__ = ["__sdk_version__", "__version__"]

#: The ``ascend-ai-sdk`` version this package is a drop-in for (sent on the wire as ``X-SDK-Version``).
__version__ = "2.7.1"
#: The version of this SDK (``ascend-sdk-rs``), shared by every crate and package of the project.
__sdk_version__ = "0.1.0"
