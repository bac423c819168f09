/**
 * Reads the TLS certificate a loopback server presents, so the local server can trust exactly
 * that self-signed certificate for the demo federation instead of turning verification off.
 */
import { connect } from 'node:tls';

export async function fetchServerCertificate(
  host: string,
  port: number,
  timeoutMs = 5_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    // Not verified on purpose: we only read what the server presents, and trust it because we
    // started that server ourselves, in this process, a moment ago.
    const socket = connect({ host, port, rejectUnauthorized: false });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TLS handshake with ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const certificate = socket.getPeerX509Certificate();
      socket.end();
      if (certificate) resolve(certificate.toString());
      else reject(new Error(`${host}:${port} presented no certificate`));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`reading the certificate of ${host}:${port} failed: ${error.message}`));
    });
  });
}
