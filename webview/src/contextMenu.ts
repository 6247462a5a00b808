/**
 * The node context menu, drawn in the panel (VS Code's own webview menu would need a
 * contribution per item in package.json, which is the extension's ground). A real menu for
 * the keyboard: arrow keys move, Enter or Space chooses, Escape closes and gives focus back.
 */
import type { Point } from "./layoutTypes";

export interface MenuItem {
  readonly label: string;
  /** Shown greyed out, with the reason as its tooltip. */
  readonly disabledBecause?: string;
  readonly run: () => void;
}

export class ContextMenu {
  private returnFocus: Element | null = null;

  constructor(private readonly menu: HTMLElement) {
    menu.setAttribute("role", "menu");
    menu.hidden = true;
    menu.addEventListener("keydown", (event) => this.key(event));
    document.addEventListener(
      "pointerdown",
      (event) => {
        if (!this.menu.hidden && !this.menu.contains(event.target as Node)) this.close(false);
      },
      true,
    );
    window.addEventListener("blur", () => this.close(false));
  }

  get open(): boolean {
    return !this.menu.hidden;
  }

  show(items: readonly MenuItem[], at: Point): void {
    this.returnFocus = document.activeElement;
    const buttons = items.map((item) => {
      const button = document.createElement("button");
      button.type = "button";
      button.setAttribute("role", "menuitem");
      button.textContent = item.label;
      if (item.disabledBecause) {
        button.disabled = true;
        button.title = item.disabledBecause;
      }
      button.addEventListener("click", () => {
        this.close(true);
        item.run();
      });
      return button;
    });
    this.menu.replaceChildren(...buttons);
    this.menu.hidden = false;
    // Keep the whole menu inside the panel, however narrow the split.
    const { width, height } = this.menu.getBoundingClientRect();
    this.menu.style.left = `${Math.max(0, Math.min(at.x, window.innerWidth - width - 4))}px`;
    this.menu.style.top = `${Math.max(0, Math.min(at.y, window.innerHeight - height - 4))}px`;
    buttons.find((button) => !button.disabled)?.focus();
  }

  /** Closes the menu; focus goes back to where it was (the node), unless a click moved it elsewhere. */
  close(returnFocus: boolean): void {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.menu.replaceChildren();
    const previous = this.returnFocus;
    if (returnFocus && (previous instanceof HTMLElement || previous instanceof SVGElement) && previous.isConnected)
      previous.focus();
  }

  private key(event: KeyboardEvent): void {
    const buttons = [...this.menu.querySelectorAll("button")].filter((button) => !button.disabled);
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === "Escape") this.close(true);
    else if (event.key === "ArrowDown") buttons[(index + 1) % buttons.length]?.focus();
    else if (event.key === "ArrowUp") buttons[(index - 1 + buttons.length) % buttons.length]?.focus();
    else if (event.key === "Home") buttons[0]?.focus();
    else if (event.key === "End") buttons[buttons.length - 1]?.focus();
    else if (event.key === "Tab") this.close(false);
    else return;
    event.preventDefault();
    event.stopPropagation();
  }
}
