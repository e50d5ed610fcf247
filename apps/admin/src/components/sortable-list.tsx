"use client";
/**
 * An ordered list the admin rearranges by dragging (pointer or touch), by the keyboard (space to
 * lift, arrows to move, space to drop: dnd-kit's announced sensor), or with the up/down buttons.
 */
import {
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Button } from "./ui";

export interface SortableItem {
  id: string;
  label: string;
}

function Row({
  item,
  index,
  count,
  move,
  extra,
}: {
  item: SortableItem;
  index: number;
  count: number;
  move: (from: number, to: number) => void;
  extra?: ReactNode;
}) {
  const t = useTranslations("common");
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: item.id });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      className={`flex flex-wrap items-center gap-2 rounded-md border border-slate-300 bg-white p-2 ${isDragging ? "shadow-lg" : ""}`}
      data-sortable={item.label}
    >
      <button
        type="button"
        className="cursor-grab rounded border border-slate-400 px-2 py-1 text-sm text-slate-800"
        aria-label={t("dragHandle", { label: item.label })}
        {...attributes}
        {...listeners}
      >
        ⠿
      </button>
      <span className="min-w-0 flex-1 truncate text-sm">
        {index + 1}. {item.label}
      </span>
      <Button
        tone="secondary"
        aria-label={t("moveUp", { label: item.label })}
        disabled={index === 0}
        onClick={() => move(index, index - 1)}
      >
        ↑
      </Button>
      <Button
        tone="secondary"
        aria-label={t("moveDown", { label: item.label })}
        disabled={index === count - 1}
        onClick={() => move(index, index + 1)}
      >
        ↓
      </Button>
      {extra}
    </li>
  );
}

export function SortableList({
  items,
  onChange,
  extra,
}: {
  items: SortableItem[];
  onChange: (items: SortableItem[]) => void;
  extra?: (item: SortableItem) => ReactNode;
}) {
  const t = useTranslations("common");
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const move = (from: number, to: number) => onChange(arrayMove(items, from, to));
  function end(event: DragEndEvent) {
    const { active, over } = event;
    if (!over || active.id === over.id) return;
    move(
      items.findIndex((i) => i.id === active.id),
      items.findIndex((i) => i.id === over.id),
    );
  }
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={end}
      accessibility={{
        screenReaderInstructions: { draggable: t("dragInstructions") },
      }}
    >
      <SortableContext items={items.map((i) => i.id)} strategy={verticalListSortingStrategy}>
        <ol className="flex flex-col gap-2">
          {items.map((item, index) => (
            <Row key={item.id} item={item} index={index} count={items.length} move={move} extra={extra?.(item)} />
          ))}
        </ol>
      </SortableContext>
    </DndContext>
  );
}
