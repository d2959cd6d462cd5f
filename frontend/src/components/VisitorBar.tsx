// The header a visitor who is not logged in sees above public pages: the way to sign up or log in.
import { href } from "../router";

export default function VisitorBar() {
  return (
    <header className="nav">
      <div className="nav-inner">
        <a href={href.feed} className="brand">
          Write or Perish
        </a>
        <nav aria-label="Account">
          <a href={href.login} className="nav-link">
            Log in
          </a>
          <a href={href.signup} className="button-link">
            Sign up
          </a>
        </nav>
      </div>
    </header>
  );
}
