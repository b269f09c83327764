export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      collections: {
        Row: {
          created_at: string
          id: string
          name: string
          prompt: string | null
          quantity: number | null
          status: string
          type: string
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          name: string
          prompt?: string | null
          quantity?: number | null
          status?: string
          type?: string
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          id?: string
          name?: string
          prompt?: string | null
          quantity?: number | null
          status?: string
          type?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      generation_jobs: {
        Row: {
          attempts: number
          created_at: string
          error_code: string | null
          error_message: string | null
          finished_at: string | null
          id: number
          locked_by: string | null
          max_attempts: number
          run_after: string
          state: string
          updated_at: string
          user_id: string
          variant_id: string
        }
        Insert: {
          attempts?: number
          created_at?: string
          error_code?: string | null
          error_message?: string | null
          finished_at?: string | null
          id?: never
          locked_by?: string | null
          max_attempts?: number
          run_after?: string
          state?: string
          updated_at?: string
          user_id: string
          variant_id: string
        }
        Update: {
          attempts?: number
          created_at?: string
          error_code?: string | null
          error_message?: string | null
          finished_at?: string | null
          id?: never
          locked_by?: string | null
          max_attempts?: number
          run_after?: string
          state?: string
          updated_at?: string
          user_id?: string
          variant_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "generation_jobs_variant_id_fkey"
            columns: ["variant_id"]
            isOneToOne: true
            referencedRelation: "video_prompts"
            referencedColumns: ["id"]
          },
        ]
      }
      image_suggestions: {
        Row: {
          created_at: string
          image_id: string
          model_name: string
          suggestions: string[]
          user_id: string
        }
        Insert: {
          created_at?: string
          image_id: string
          model_name: string
          suggestions: string[]
          user_id: string
        }
        Update: {
          created_at?: string
          image_id?: string
          model_name?: string
          suggestions?: string[]
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "image_suggestions_image_id_user_id_fkey"
            columns: ["image_id", "user_id"]
            isOneToOne: true
            referencedRelation: "images"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      images: {
        Row: {
          collection_id: string | null
          created_at: string
          id: string
          metadata: Json | null
          status: string
          storage_path: string
          type: string
          url: string
          user_id: string
        }
        Insert: {
          collection_id?: string | null
          created_at?: string
          id?: string
          metadata?: Json | null
          status?: string
          storage_path: string
          type: string
          url: string
          user_id: string
        }
        Update: {
          collection_id?: string | null
          created_at?: string
          id?: string
          metadata?: Json | null
          status?: string
          storage_path?: string
          type?: string
          url?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "images_collection_id_user_id_fkey"
            columns: ["collection_id", "user_id"]
            isOneToOne: false
            referencedRelation: "collections"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      profiles: {
        Row: {
          avatar_url: string | null
          created_at: string
          full_name: string | null
          gemini_api_key: string | null
          id: string
          updated_at: string
        }
        Insert: {
          avatar_url?: string | null
          created_at?: string
          full_name?: string | null
          gemini_api_key?: string | null
          id: string
          updated_at?: string
        }
        Update: {
          avatar_url?: string | null
          created_at?: string
          full_name?: string | null
          gemini_api_key?: string | null
          id?: string
          updated_at?: string
        }
        Relationships: []
      }
      variant_requests: {
        Row: {
          created_at: string
          fingerprint: string
          idempotency_key: string
          status_code: number | null
          user_id: string
          variant_id: string | null
        }
        Insert: {
          created_at?: string
          fingerprint: string
          idempotency_key: string
          status_code?: number | null
          user_id: string
          variant_id?: string | null
        }
        Update: {
          created_at?: string
          fingerprint?: string
          idempotency_key?: string
          status_code?: number | null
          user_id?: string
          variant_id?: string | null
        }
        Relationships: []
      }
      video_prompts: {
        Row: {
          camera_style: string | null
          created_at: string
          error_code: string | null
          error_message: string | null
          film_effects: string[] | null
          id: string
          image_id: string
          is_primary: boolean | null
          model_name: string
          prompt_text: string
          seq: number
          status: string
          updated_at: string
          user_id: string
          user_instruction: string | null
        }
        Insert: {
          camera_style?: string | null
          created_at?: string
          error_code?: string | null
          error_message?: string | null
          film_effects?: string[] | null
          id?: string
          image_id: string
          is_primary?: boolean | null
          model_name: string
          prompt_text: string
          seq?: never
          status?: string
          updated_at?: string
          user_id: string
          user_instruction?: string | null
        }
        Update: {
          camera_style?: string | null
          created_at?: string
          error_code?: string | null
          error_message?: string | null
          film_effects?: string[] | null
          id?: string
          image_id?: string
          is_primary?: boolean | null
          model_name?: string
          prompt_text?: string
          seq?: never
          status?: string
          updated_at?: string
          user_id?: string
          user_instruction?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "video_prompts_image_id_user_id_fkey"
            columns: ["image_id", "user_id"]
            isOneToOne: false
            referencedRelation: "images"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      [_ in never]: never
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {},
  },
} as const

