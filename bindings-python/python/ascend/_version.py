"""Version numbers: this package's version, and the peer version it is a drop-in for."""

__all__ = ["PEER_SDK_VERSION", "__sdk_version__", "__version__"]

#: The version of this SDK (``ascend-sdk-rs``), shared by every crate and package of the project.
__version__ = "0.1.0"
#: Same as ``__version__`` (the name earlier releases of this package used).
__sdk_version__ = __version__
#: The ``ascend-ai-sdk`` version this package is a drop-in for (``ascend.constants.SDK_VERSION``).
PEER_SDK_VERSION = "2.7.1"
