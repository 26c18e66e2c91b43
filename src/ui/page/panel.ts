import { useEffect, useRef } from "preact/hooks";

/**
 * A panel opened from a file's row (versions, sharing) opens below the list:
 * it takes the focus on its heading and scrolls into view, and Escape closes
 * it; once closed, the focus goes back to what had it (the row's button).
 * Returns the ref for the heading (which needs tabIndex={-1}).
 */
export function usePanel(onClose: () => void) {
  const heading = useRef<HTMLHeadingElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const opener = document.activeElement;
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: "nearest" });
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !e.defaultPrevented) close.current();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
  return heading;
}
