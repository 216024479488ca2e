import Link from "next/link";

/** The 404 page. */
export default function NotFound() {
  return (
    <section className="panel">
      <h1>Page not found</h1>
      <p>
        Try the <Link href="/">count page</Link> or the <Link href="/capture">capture page</Link>.
      </p>
    </section>
  );
}
