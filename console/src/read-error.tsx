/** Why a view's last read failed, as an alert; nothing while it reads fine. */
export function ReadError({ error }: { error: string | undefined }) {
  return error ? <p role="alert">{error}</p> : null;
}
