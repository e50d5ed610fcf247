/**
 * Multipart upload with XMLHttpRequest, whose upload events report the bytes really sent (fetch
 * has no upload progress). One refresh and retry when the access token has expired.
 */
import { currentToken, refreshSession } from "./session";

export interface UploadResult {
  status: number;
  body: unknown;
}

function send(
  url: string,
  file: File,
  language: string,
  onProgress: (sent: number, total: number) => void,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    const token = currentToken();
    if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.setRequestHeader("accept-language", language);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error("network"));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

export async function uploadFile(
  url: string,
  file: File,
  language: string,
  onProgress: (sent: number, total: number) => void,
): Promise<UploadResult> {
  const first = await send(url, file, language, onProgress);
  if (first.status !== 401) return first;
  return (await refreshSession()) ? send(url, file, language, onProgress) : first;
}
