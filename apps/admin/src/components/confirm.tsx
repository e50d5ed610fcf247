"use client";
/** Confirmations before actions that cannot be taken back (publish, archive, delete, money), and forms in a dialog. */
import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { type ReactNode, useState } from "react";
import { Button } from "./ui";

export function ConfirmButton({
  label,
  title,
  body,
  confirm,
  tone = "primary",
  disabled,
  onConfirm,
}: {
  label: string;
  title: string;
  body: ReactNode;
  confirm: string;
  tone?: "primary" | "danger" | "secondary";
  disabled?: boolean;
  onConfirm: () => unknown;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <Button tone={tone === "danger" ? "danger" : "secondary"} disabled={disabled}>
          {label}
        </Button>
      </Dialog.Trigger>
      <ConfirmContent
        title={title}
        body={body}
        confirm={confirm}
        tone={tone}
        onConfirm={() => {
          setOpen(false);
          onConfirm();
        }}
      />
    </Dialog.Root>
  );
}

/**
 * The confirmation alone, opened by its owner once something else was checked first (a form's
 * input); focus goes back to `returnFocus` when it closes.
 */
export function ConfirmDialog({
  open,
  onOpenChange,
  returnFocus,
  ...content
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  returnFocus?: { current: HTMLElement | null };
  title: string;
  body: ReactNode;
  confirm: string;
  tone?: "primary" | "danger" | "secondary";
  onConfirm: () => unknown;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <ConfirmContent
        {...content}
        onCloseAutoFocus={(event) => {
          if (!returnFocus?.current) return;
          event.preventDefault();
          returnFocus.current.focus();
        }}
        onConfirm={() => {
          onOpenChange(false);
          content.onConfirm();
        }}
      />
    </Dialog.Root>
  );
}

function ConfirmContent({
  title,
  body,
  confirm,
  tone = "primary",
  onConfirm,
  onCloseAutoFocus,
}: {
  title: string;
  body: ReactNode;
  confirm: string;
  tone?: "primary" | "danger" | "secondary" | undefined;
  onConfirm: () => void;
  onCloseAutoFocus?: (event: Event) => void;
}) {
  const t = useTranslations("common");
  return (
    <Dialog.Portal>
      <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
      <Dialog.Content
        role="alertdialog"
        onCloseAutoFocus={onCloseAutoFocus}
        className="fixed top-1/2 left-1/2 z-50 w-[calc(100vw-1.5rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-5 shadow-xl"
      >
        <Dialog.Title className="text-lg font-semibold text-slate-900">{title}</Dialog.Title>
        <Dialog.Description asChild>
          <div className="mt-2 text-sm text-slate-700">{body}</div>
        </Dialog.Description>
        <div className="mt-5 flex justify-end gap-2">
          <Dialog.Close asChild>
            <Button tone="secondary">{t("cancel")}</Button>
          </Dialog.Close>
          <Button tone={tone === "danger" ? "danger" : "primary"} onClick={onConfirm}>
            {confirm}
          </Button>
        </div>
      </Dialog.Content>
    </Dialog.Portal>
  );
}

/**
 * A form in a dialog, for an action that needs a few words first (a reason, an operator's
 * reference). Its submit button is the confirmation; `onSubmit` closes it once the action succeeded.
 */
export function FormDialog({
  label,
  title,
  description,
  submit,
  tone = "primary",
  disabled,
  busy,
  children,
  onSubmit,
}: {
  label: string;
  title: string;
  description: ReactNode;
  submit: string;
  tone?: "primary" | "danger" | "secondary";
  disabled?: boolean;
  busy?: boolean;
  children: ReactNode;
  onSubmit: (close: () => void) => void;
}) {
  const t = useTranslations("common");
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <Button tone={tone === "danger" ? "danger" : "secondary"} disabled={disabled}>
          {label}
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 max-h-[calc(100vh-1.5rem)] w-[calc(100vw-1.5rem)] max-w-lg -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-5 shadow-xl">
          <Dialog.Title className="text-lg font-semibold text-slate-900">{title}</Dialog.Title>
          <Dialog.Description asChild>
            <div className="mt-2 text-sm text-slate-700">{description}</div>
          </Dialog.Description>
          <form
            noValidate
            className="mt-4 flex flex-col gap-3"
            onSubmit={(event) => {
              event.preventDefault();
              onSubmit(() => setOpen(false));
            }}
          >
            {children}
            <div className="mt-2 flex justify-end gap-2">
              <Dialog.Close asChild>
                <Button tone="secondary">{t("cancel")}</Button>
              </Dialog.Close>
              <Button type="submit" tone={tone === "danger" ? "danger" : "primary"} disabled={busy}>
                {submit}
              </Button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** A side panel for reading (a citation's chunk, a proposal's sources). */
export function Sheet({
  open,
  onOpenChange,
  title,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  children: ReactNode;
}) {
  const t = useTranslations("common");
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
        <Dialog.Content className="fixed inset-y-0 right-0 z-50 flex w-full max-w-lg flex-col overflow-y-auto bg-white p-5 shadow-xl">
          <div className="flex items-start justify-between gap-3">
            <Dialog.Title className="text-lg font-semibold text-slate-900">{title}</Dialog.Title>
            <Dialog.Close asChild>
              <Button tone="secondary">{t("close")}</Button>
            </Dialog.Close>
          </div>
          <Dialog.Description className="sr-only">{title}</Dialog.Description>
          <div className="mt-4">{children}</div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
