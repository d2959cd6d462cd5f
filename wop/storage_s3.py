"""Stored files in an S3-compatible object store (STORAGE_URL=s3://bucket/prefix), through boto3.

Served to a browser (after the caller's permission check) as a redirect to a short-lived
presigned URL (STORAGE_SERVE=redirect), or streamed through the app with range requests
(STORAGE_SERVE=proxy) when browsers cannot reach the store.
"""

from collections.abc import Iterator, Mapping
from contextlib import suppress
from pathlib import Path
from typing import IO, Any, BinaryIO, cast
from urllib.parse import quote, urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from flask import Response, request, stream_with_context

from .storage import COPY_BLOCK, MeasuredReader, Store, StoredFile

PRESIGNED_SECONDS = 300  # long enough to start playing or downloading; a new click signs anew
NOT_FOUND = ("404", "NoSuchKey", "NotFound")


def parse_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of s3://bucket/prefix; ValueError for anything else."""
    parts = urlparse(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("use s3://bucket or s3://bucket/prefix")
    return parts.netloc, parts.path.strip("/")


def client(config: Mapping[str, Any]) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=config.get("STORAGE_ENDPOINT_URL"),
        region_name=config.get("STORAGE_REGION"),
        aws_access_key_id=config.get("STORAGE_ACCESS_KEY_ID"),
        aws_secret_access_key=config.get("STORAGE_SECRET_ACCESS_KEY"),
        config=Config(signature_version="s3v4", retries={"mode": "standard"}),
    )


class S3Store(Store):
    def __init__(self, s3: Any, bucket: str, prefix: str, serve_mode: str = "redirect"):
        self.s3, self.bucket, self.serve_mode = s3, bucket, serve_mode
        self.prefix = f"{prefix}/" if prefix else ""

    @classmethod
    def from_url(cls, url: str, area: str, config: Mapping[str, Any]) -> "S3Store":
        bucket, prefix = parse_url(url)
        return cls(client(config), bucket, f"{prefix}/{area}".lstrip("/"), config.get("STORAGE_SERVE") or "redirect")

    def browser_origin(self) -> str | None:
        if self.serve_mode != "redirect":
            return None
        # Signing is local (no request): the origin of any presigned URL is that of them all.
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": self.key("x")})
        parts = urlparse(url)
        return f"{parts.scheme}://{parts.netloc}"

    def key(self, rel: str) -> str:
        if not rel or rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"{rel!r} is outside the stored files")
        return self.prefix + rel

    def open(self, rel: str) -> BinaryIO:
        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=self.key(rel))["Body"]
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(rel) from None
            raise
        return cast(BinaryIO, body)

    def write(self, stream: IO[bytes], rel: str, max_bytes: int) -> tuple[int, str, bytes]:
        reader = MeasuredReader(stream, max_bytes, rel)
        # A failed multipart upload is aborted by boto3: nothing of a refused stream is kept.
        self.s3.upload_fileobj(reader, self.bucket, self.key(rel))
        return reader.result()

    def put_file(self, local: Path, rel: str) -> None:
        try:
            self.s3.upload_file(str(local), self.bucket, self.key(rel))
        finally:
            local.unlink(missing_ok=True)

    def upload(self, local: Path, rel: str) -> None:
        self.s3.upload_file(str(local), self.bucket, self.key(rel))

    def _head(self, rel: str) -> dict | None:
        try:
            return self.s3.head_object(Bucket=self.bucket, Key=self.key(rel))
        except ClientError as error:
            if _missing(error):
                return None
            raise
        except ValueError:
            return None

    def exists(self, rel: str) -> bool:
        return self._head(rel) is not None

    def size(self, rel: str) -> int | None:
        head = self._head(rel)
        return None if head is None else int(head["ContentLength"])

    def delete(self, rel: str) -> None:
        with suppress(ValueError):  # a path outside the store names nothing stored
            self.s3.delete_object(Bucket=self.bucket, Key=self.key(rel))

    def delete_folder(self, rel: str) -> None:
        keys = [{"Key": self.key(f.rel)} for f in self.files(rel)]
        for start in range(0, len(keys), 1000):  # the most one request deletes
            self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": keys[start : start + 1000], "Quiet": True})

    def files(self, prefix: str = "") -> Iterator[StoredFile]:
        start = self.prefix + (prefix.strip("/") + "/" if prefix else "")
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
            for item in page.get("Contents", []):
                rel = item["Key"][len(self.prefix) :]
                yield StoredFile(rel, int(item["Size"]), item["LastModified"].timestamp())

    def folders(self) -> list[str]:
        listing = self.s3.get_paginator("list_objects_v2")
        pages = listing.paginate(Bucket=self.bucket, Prefix=self.prefix, Delimiter="/")
        found = (p["Prefix"][len(self.prefix) :].strip("/") for page in pages for p in page.get("CommonPrefixes", []))
        return sorted(found)

    def serve(self, rel: str, mime: str | None, download_name: str | None = None) -> Response:
        mime = mime or "application/octet-stream"
        disposition = f"attachment; filename*=UTF-8''{quote(download_name)}" if download_name else None
        if self.serve_mode == "redirect":
            params = {"Bucket": self.bucket, "Key": self.key(rel), "ResponseContentType": mime}
            if disposition:
                params["ResponseContentDisposition"] = disposition
            url = self.s3.generate_presigned_url("get_object", Params=params, ExpiresIn=PRESIGNED_SECONDS)
            # The URL expires: never cached.
            return Response(status=302, headers={"Location": url, "Cache-Control": "no-store"})
        return self._proxy(rel, mime, disposition)

    def _proxy(self, rel: str, mime: str, disposition: str | None) -> Response:
        """The object streamed through the app, honouring a Range header."""
        args: dict[str, Any] = {"Bucket": self.bucket, "Key": self.key(rel)}
        if request.range is not None and request.range.units == "bytes":
            args["Range"] = request.headers["Range"]
        try:
            obj = self.s3.get_object(**args)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "InvalidRange":
                size = self.size(rel) or 0
                return Response(status=416, headers={"Content-Range": f"bytes */{size}"})
            raise
        headers = {"Accept-Ranges": "bytes", "Content-Length": str(obj["ContentLength"]), "Cache-Control": "no-cache"}
        if disposition:
            headers["Content-Disposition"] = disposition
        if "ContentRange" in obj:
            headers["Content-Range"] = obj["ContentRange"]
        body = obj["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                while block := body.read(COPY_BLOCK):
                    yield block
            finally:
                body.close()

        status = 206 if "ContentRange" in obj else 200
        return Response(stream_with_context(chunks()), status=status, mimetype=mime, headers=headers)


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in NOT_FOUND
