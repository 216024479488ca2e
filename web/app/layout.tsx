import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { SiteNav } from "@/components/site-nav";
import "./globals.css";

/** Document title and description for every page. */
export const metadata: Metadata = {
  title: { default: "headcount", template: "%s · headcount" },
  description: "Live people counting from any browser camera.",
};

/** Phones and the Pi's small screen: device width, no forced zoom. */
export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: "#0f172a",
};

/** The root layout: header navigation and the page. (Next.js requires a default export.) */
export default function RootLayout({ children }: Readonly<{ children: ReactNode }>) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <SiteNav />
        </header>
        <main className="site-main">{children}</main>
      </body>
    </html>
  );
}
