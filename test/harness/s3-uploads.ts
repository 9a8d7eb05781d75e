/**
 * ListMultipartUploads (GET /bucket?uploads&prefix=) and AbortMultipartUpload
 * (DELETE /bucket/key?uploadId=) for s3rver, which has neither. s3rver keeps each unfinished
 * upload in `<root>/<bucket>/._S3rver_uploads/<uploadId>/` with the key in a file `key`.
 * Path-style requests only; no authentication (s3rver checks no secret either).
 */
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/** The part of a Koa context this middleware uses. */
interface Context {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  type: string;
}

const UPLOAD_ID = /^[0-9a-f]{32}$/;

const xml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c] ?? c);

function error(ctx: Context, status: number, code: string, message: string) {
  ctx.status = status;
  ctx.type = "application/xml";
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`;
}

async function uploads(
  root: string,
  bucket: string,
): Promise<Array<{ key: string; uploadId: string; initiated: Date }>> {
  const dir = join(root, bucket, "._S3rver_uploads");
  const ids = await readdir(dir).catch(() => [] as string[]);
  const found: Array<{ key: string; uploadId: string; initiated: Date }> = [];
  for (const uploadId of ids) {
    // A directory without its key file is not an upload s3rver knows (a part that came after an abort).
    const key = await readFile(join(dir, uploadId, "key"), "utf8").catch(() => undefined);
    found.push({ key: key ?? "", uploadId, initiated: (await stat(join(dir, uploadId))).mtime });
  }
  return found;
}

export function multipartUploadCalls(root: string) {
  return async (ctx: Context, next: () => Promise<unknown>) => {
    const [, bucket = "", ...rest] = ctx.path.split("/");
    const keyPath = rest.join("/");
    if (ctx.method === "GET" && bucket && keyPath === "" && "uploads" in ctx.query) {
      const prefix = typeof ctx.query.prefix === "string" ? ctx.query.prefix : "";
      const listed = (await uploads(root, decodeURIComponent(bucket)))
        .filter((u) => u.key.startsWith(prefix))
        .sort((a, b) => a.key.localeCompare(b.key));
      ctx.type = "application/xml";
      ctx.body = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
        `<Bucket>${xml(decodeURIComponent(bucket))}</Bucket><Prefix>${xml(prefix)}</Prefix>`,
        "<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>",
        ...listed.map(
          (u) =>
            `<Upload><Key>${xml(u.key)}</Key><UploadId>${u.uploadId}</UploadId>` +
            `<Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
        ),
        "</ListMultipartUploadsResult>",
      ].join("");
      return;
    }
    if (ctx.method === "DELETE" && bucket && keyPath !== "" && typeof ctx.query.uploadId === "string") {
      const uploadId = ctx.query.uploadId;
      const dir = join(root, decodeURIComponent(bucket), "._S3rver_uploads", uploadId);
      const key = UPLOAD_ID.test(uploadId)
        ? await readFile(join(dir, "key"), "utf8").catch(() => undefined)
        : undefined;
      if (key === undefined || key !== decodeURIComponent(keyPath)) {
        error(ctx, 404, "NoSuchUpload", "The specified upload does not exist.");
        return;
      }
      await rm(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    await next();
  };
}
