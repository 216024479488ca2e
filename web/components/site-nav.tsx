"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/", label: "Counts" },
  { href: "/capture", label: "Capture" },
] as const;

/** The header navigation shared by both pages (Counts | Capture), marking the current one. */
export function SiteNav() {
  const pathname = usePathname();
  return (
    <nav className="site-nav" aria-label="Main">
      <Link href="/" className="site-brand">
        headcount
      </Link>
      <ul>
        {LINKS.map(({ href, label }) => (
          <li key={href}>
            <Link href={href} aria-current={isCurrent(href, pathname) ? "page" : undefined} data-testid={`nav-${label.toLowerCase()}`}>
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A camera's page belongs to the count page. */
function isCurrent(href: string, pathname: string): boolean {
  return pathname === href || (href === "/" && pathname.startsWith("/cameras/"));
}
