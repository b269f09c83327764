"""Image storage: where an image's bytes live, who may read them, and putting them there.

Images are read from local storage (``.vidprompt/storage/<bucket>/<name>`` with its
``storage.objects`` row, the embedded default), Supabase Storage over its HTTP API, or a
public http(s) URL; every read of a storage object is first checked in the owner's scope
(:class:`OwnersObjects`), names cannot escape their bucket and downloads never reach a
private address. Uploads go to local storage or Supabase Storage as the uploading user.
"""

from __future__ import annotations

from vidprompt.storage._access import OwnersObjects
from vidprompt.storage._http import HttpSource, SupabaseStorage
from vidprompt.storage._images import MAX_IMAGE_BYTES, ImageData, checked_image, sniff_type
from vidprompt.storage._locations import (
    check_bucket,
    check_object_name,
    is_public_address,
    object_url_path,
)
from vidprompt.storage._objects import image_traces, put_object, remove_object
from vidprompt.storage._sources import (
    BUCKET,
    NOT_IN_STORAGE,
    STORAGE_DIR,
    FirstFound,
    ImageRef,
    ImageSource,
    LocalStorage,
)
from vidprompt.storage._uploads import (
    UPLOAD_TYPES,
    LocalUploads,
    ObjectWriter,
    SupabaseUploads,
    upload_image,
)

__all__ = [
    "BUCKET",
    "MAX_IMAGE_BYTES",
    "NOT_IN_STORAGE",
    "STORAGE_DIR",
    "UPLOAD_TYPES",
    "FirstFound",
    "HttpSource",
    "ImageData",
    "ImageRef",
    "ImageSource",
    "LocalStorage",
    "LocalUploads",
    "ObjectWriter",
    "OwnersObjects",
    "SupabaseStorage",
    "SupabaseUploads",
    "check_bucket",
    "check_object_name",
    "checked_image",
    "image_traces",
    "is_public_address",
    "object_url_path",
    "put_object",
    "remove_object",
    "sniff_type",
    "upload_image",
]
