/** Asks for the admin token (the file `<data dir>/admin-token`) when the URL did not carry one. */
import { useState } from 'react';

export function TokenPrompt(props: { error: string | null; onSubmit: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <main className="token-prompt">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim() !== '') props.onSubmit(token.trim());
        }}
      >
        <h1>Skein admin</h1>
        <p>
          Paste the admin token from <code>&lt;data dir&gt;/admin-token</code>, or open this page
          with <code>?token=…</code>.
        </p>
        <label htmlFor="admin-token">Admin token</label>
        <input
          id="admin-token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
        <button type="submit">Connect</button>
        {props.error !== null && (
          <p role="alert" className="error">
            {props.error}
          </p>
        )}
      </form>
    </main>
  );
}
