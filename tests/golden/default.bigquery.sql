-- LeadGrid scoring query for model: B2B SaaS inbound (default) (version 2026.4)
-- dialect: bigquery; one row per lead:
--   lead_id, profile_score, profile_grade, engagement_score, engagement_grade, rating, action, sla_hours
WITH `activity_values` AS (
  SELECT
    CAST(`lead_id` AS STRING) AS `activity_lead_id_text`,
    CASE
      WHEN REGEXP_CONTAINS(
        FORMAT('%T', `lead_id`),
        '^(-?[0-9]|NUMERIC|BIGNUMERIC|CAST\\("[+-]?(inf|nan)" AS FLOAT64\\))'
      )
      THEN SAFE_CAST(CAST(`lead_id` AS STRING) AS FLOAT64)
    END AS `activity_lead_id_double`,
    CAST(`activity` AS STRING) AS `activity_text`,
    CASE
      WHEN REGEXP_CONTAINS(
        FORMAT('%T', `activity`),
        '^(-?[0-9]|NUMERIC|BIGNUMERIC|CAST\\("[+-]?(inf|nan)" AS FLOAT64\\))'
      )
      THEN SAFE_CAST(CAST(`activity` AS STRING) AS FLOAT64)
    END AS `activity_double`,
    UNIX_MICROS(CAST(NULLIF(TRIM(CAST(`occurred_at` AS STRING), ' \t\r\n'), '') AS TIMESTAMP)) AS `occurred_us`
  FROM `activities`
), `activity_rows` AS (
  SELECT
    CASE
      WHEN NOT `activity_lead_id_double` IS NULL
      THEN CASE
        WHEN `activity_lead_id_double` = FLOOR(`activity_lead_id_double`)
        AND ABS(`activity_lead_id_double`) < 9.2e+18
        THEN CAST(SAFE_CAST(`activity_lead_id_double` AS INT64) AS STRING)
        ELSE LOWER(CAST(`activity_lead_id_double` AS STRING))
      END
      ELSE TRIM(`activity_lead_id_text`, ' \t\r\n')
    END AS `lead_key`,
    CASE
      WHEN NOT `activity_double` IS NULL
      THEN CASE
        WHEN `activity_double` = FLOOR(`activity_double`) AND ABS(`activity_double`) < 9.2e+18
        THEN CAST(SAFE_CAST(`activity_double` AS INT64) AS STRING)
        ELSE LOWER(CAST(`activity_double` AS STRING))
      END
      ELSE LOWER(TRIM(`activity_text`, ' \t\r\n'))
    END AS `activity_type`,
    `occurred_us`
  FROM `activity_values`
), `lead_values` AS (
  SELECT
    `lead_id` AS `lead_id`,
    CAST(`lead_id` AS STRING) AS `lead_id_text`,
    CASE
      WHEN REGEXP_CONTAINS(
        FORMAT('%T', `lead_id`),
        '^(-?[0-9]|NUMERIC|BIGNUMERIC|CAST\\("[+-]?(inf|nan)" AS FLOAT64\\))'
      )
      THEN SAFE_CAST(CAST(`lead_id` AS STRING) AS FLOAT64)
    END AS `lead_id_double`,
    UNIX_MICROS(CAST(NULLIF(TRIM(CAST(`scored_at` AS STRING), ' \t\r\n'), '') AS TIMESTAMP)) AS `scored_us`,
    CAST(`industry` AS STRING) AS `f1_industry_text`,
    CASE
      WHEN REGEXP_CONTAINS(
        FORMAT('%T', `industry`),
        '^(-?[0-9]|NUMERIC|BIGNUMERIC|CAST\\("[+-]?(inf|nan)" AS FLOAT64\\))'
      )
      THEN SAFE_CAST(CAST(`industry` AS STRING) AS FLOAT64)
    END AS `f1_industry_double`,
    CAST(`employees` AS STRING) AS `f2_employees_text`,
    CASE
      WHEN REGEXP_CONTAINS(
        FORMAT('%T', `employees`),
        '^(-?[0-9]|NUMERIC|BIGNUMERIC|CAST\\("[+-]?(inf|nan)" AS FLOAT64\\))'
      )
      THEN SAFE_CAST(CAST(`employees` AS STRING) AS FLOAT64)
    END AS `f2_employees_double`,
    CAST(`annual_revenue` AS STRING) AS `f3_annual_revenue_text`,
    CASE
      WHEN REGEXP_CONTAINS(
        FORMAT('%T', `annual_revenue`),
        '^(-?[0-9]|NUMERIC|BIGNUMERIC|CAST\\("[+-]?(inf|nan)" AS FLOAT64\\))'
      )
      THEN SAFE_CAST(CAST(`annual_revenue` AS STRING) AS FLOAT64)
    END AS `f3_annual_revenue_double`,
    CAST(`job_title` AS STRING) AS `f4_job_title_text`,
    CASE
      WHEN REGEXP_CONTAINS(
        FORMAT('%T', `job_title`),
        '^(-?[0-9]|NUMERIC|BIGNUMERIC|CAST\\("[+-]?(inf|nan)" AS FLOAT64\\))'
      )
      THEN SAFE_CAST(CAST(`job_title` AS STRING) AS FLOAT64)
    END AS `f4_job_title_double`,
    CAST(`country` AS STRING) AS `f5_country_text`,
    CASE
      WHEN REGEXP_CONTAINS(
        FORMAT('%T', `country`),
        '^(-?[0-9]|NUMERIC|BIGNUMERIC|CAST\\("[+-]?(inf|nan)" AS FLOAT64\\))'
      )
      THEN SAFE_CAST(CAST(`country` AS STRING) AS FLOAT64)
    END AS `f5_country_double`,
    CAST(`total_visits` AS STRING) AS `f6_total_visits_text`,
    CASE
      WHEN REGEXP_CONTAINS(
        FORMAT('%T', `total_visits`),
        '^(-?[0-9]|NUMERIC|BIGNUMERIC|CAST\\("[+-]?(inf|nan)" AS FLOAT64\\))'
      )
      THEN SAFE_CAST(CAST(`total_visits` AS STRING) AS FLOAT64)
    END AS `f6_total_visits_double`
  FROM `leads`
), `lead_rows` AS (
  SELECT
    `lead_id`,
    CASE
      WHEN NOT `lead_id_double` IS NULL
      THEN CASE
        WHEN `lead_id_double` = FLOOR(`lead_id_double`) AND ABS(`lead_id_double`) < 9.2e+18
        THEN CAST(SAFE_CAST(`lead_id_double` AS INT64) AS STRING)
        ELSE LOWER(CAST(`lead_id_double` AS STRING))
      END
      ELSE TRIM(`lead_id_text`, ' \t\r\n')
    END AS `lead_key`,
    COALESCE(`scored_us`, UNIX_MICROS(CURRENT_TIMESTAMP())) AS `as_of_us`,
    `f1_industry_text` IS NULL
    OR TRIM(`f1_industry_text`, ' \t\r\n') = ''
    OR (
      NOT `f1_industry_double` IS NULL AND LOWER(`f1_industry_text`) LIKE '%nan%'
    ) AS `f1_industry_missing`,
    CASE
      WHEN NOT `f1_industry_double` IS NULL
      THEN CASE
        WHEN `f1_industry_double` = FLOOR(`f1_industry_double`)
        AND ABS(`f1_industry_double`) < 9.2e+18
        THEN CAST(SAFE_CAST(`f1_industry_double` AS INT64) AS STRING)
        ELSE LOWER(CAST(`f1_industry_double` AS STRING))
      END
      ELSE LOWER(TRIM(`f1_industry_text`, ' \t\r\n'))
    END AS `f1_industry_key`,
    `f2_employees_text` IS NULL
    OR TRIM(`f2_employees_text`, ' \t\r\n') = ''
    OR (
      NOT `f2_employees_double` IS NULL AND LOWER(`f2_employees_text`) LIKE '%nan%'
    ) AS `f2_employees_missing`,
    CASE
      WHEN REGEXP_CONTAINS(
        LOWER(TRIM(`f2_employees_text`, ' \t\r\n\v\f')),
        '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?$|^[+-]?inf(inity)?$'
      )
      THEN SAFE_CAST(TRIM(`f2_employees_text`, ' \t\r\n\v\f') AS FLOAT64)
    END AS `f2_employees_number`,
    `f3_annual_revenue_text` IS NULL
    OR TRIM(`f3_annual_revenue_text`, ' \t\r\n') = ''
    OR (
      NOT `f3_annual_revenue_double` IS NULL
      AND LOWER(`f3_annual_revenue_text`) LIKE '%nan%'
    ) AS `f3_annual_revenue_missing`,
    CASE
      WHEN REGEXP_CONTAINS(
        LOWER(TRIM(`f3_annual_revenue_text`, ' \t\r\n\v\f')),
        '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?$|^[+-]?inf(inity)?$'
      )
      THEN SAFE_CAST(TRIM(`f3_annual_revenue_text`, ' \t\r\n\v\f') AS FLOAT64)
    END AS `f3_annual_revenue_number`,
    `f4_job_title_text` IS NULL
    OR TRIM(`f4_job_title_text`, ' \t\r\n') = ''
    OR (
      NOT `f4_job_title_double` IS NULL AND LOWER(`f4_job_title_text`) LIKE '%nan%'
    ) AS `f4_job_title_missing`,
    CASE
      WHEN NOT `f4_job_title_double` IS NULL
      THEN CASE
        WHEN `f4_job_title_double` = FLOOR(`f4_job_title_double`)
        AND ABS(`f4_job_title_double`) < 9.2e+18
        THEN CAST(SAFE_CAST(`f4_job_title_double` AS INT64) AS STRING)
        ELSE LOWER(CAST(`f4_job_title_double` AS STRING))
      END
      ELSE LOWER(`f4_job_title_text`)
    END AS `f4_job_title_lower`,
    `f5_country_text` IS NULL
    OR TRIM(`f5_country_text`, ' \t\r\n') = ''
    OR (
      NOT `f5_country_double` IS NULL AND LOWER(`f5_country_text`) LIKE '%nan%'
    ) AS `f5_country_missing`,
    CASE
      WHEN NOT `f5_country_double` IS NULL
      THEN CASE
        WHEN `f5_country_double` = FLOOR(`f5_country_double`)
        AND ABS(`f5_country_double`) < 9.2e+18
        THEN CAST(SAFE_CAST(`f5_country_double` AS INT64) AS STRING)
        ELSE LOWER(CAST(`f5_country_double` AS STRING))
      END
      ELSE LOWER(TRIM(`f5_country_text`, ' \t\r\n'))
    END AS `f5_country_key`,
    CASE
      WHEN REGEXP_CONTAINS(
        LOWER(TRIM(`f6_total_visits_text`, ' \t\r\n\v\f')),
        '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?$|^[+-]?inf(inity)?$'
      )
      THEN SAFE_CAST(TRIM(`f6_total_visits_text`, ' \t\r\n\v\f') AS FLOAT64)
    END AS `f6_total_visits_number`
  FROM `lead_values`
), `activity_counts` AS (
  SELECT
    `lead_key`,
    SUM(
      CASE
        WHEN `activity_type` = 'demo_request'
        THEN CASE
          WHEN `age_days` / 30 > 1074
          THEN CAST(0 AS FLOAT64)
          ELSE POWER(0.5, `age_days` / 30)
        END
        ELSE CAST(0 AS FLOAT64)
      END
    ) AS `a1_demo`,
    SUM(
      CASE
        WHEN `activity_type` = 'pricing_page_visit'
        THEN CASE
          WHEN `age_days` / 30 > 1074
          THEN CAST(0 AS FLOAT64)
          ELSE POWER(0.5, `age_days` / 30)
        END
        ELSE CAST(0 AS FLOAT64)
      END
    ) AS `a2_pricing`,
    SUM(
      CASE
        WHEN `activity_type` = 'form_submit'
        THEN CASE
          WHEN `age_days` / 30 > 1074
          THEN CAST(0 AS FLOAT64)
          ELSE POWER(0.5, `age_days` / 30)
        END
        ELSE CAST(0 AS FLOAT64)
      END
    ) AS `a3_trial`,
    SUM(
      CASE
        WHEN `activity_type` = 'webinar_attended'
        THEN CASE
          WHEN `age_days` / 30 > 1074
          THEN CAST(0 AS FLOAT64)
          ELSE POWER(0.5, `age_days` / 30)
        END
        ELSE CAST(0 AS FLOAT64)
      END
    ) AS `a4_webinar`,
    SUM(
      CASE
        WHEN `activity_type` = 'event_attended'
        THEN CASE
          WHEN `age_days` / 30 > 1074
          THEN CAST(0 AS FLOAT64)
          ELSE POWER(0.5, `age_days` / 30)
        END
        ELSE CAST(0 AS FLOAT64)
      END
    ) AS `a5_event`,
    SUM(
      CASE
        WHEN `activity_type` = 'content_download'
        THEN CASE
          WHEN `age_days` / 30 > 1074
          THEN CAST(0 AS FLOAT64)
          ELSE POWER(0.5, `age_days` / 30)
        END
        ELSE CAST(0 AS FLOAT64)
      END
    ) AS `a6_content`,
    SUM(
      CASE
        WHEN `activity_type` = 'email_click'
        THEN CASE
          WHEN `age_days` / 30 > 1074
          THEN CAST(0 AS FLOAT64)
          ELSE POWER(0.5, `age_days` / 30)
        END
        ELSE CAST(0 AS FLOAT64)
      END
    ) AS `a7_email_click`,
    SUM(
      CASE
        WHEN `activity_type` = 'email_open'
        THEN CASE
          WHEN `age_days` / 30 > 1074
          THEN CAST(0 AS FLOAT64)
          ELSE POWER(0.5, `age_days` / 30)
        END
        ELSE CAST(0 AS FLOAT64)
      END
    ) AS `a8_email_open`,
    SUM(
      CASE
        WHEN `activity_type` = 'unsubscribe'
        THEN CASE
          WHEN `age_days` / 30 > 1074
          THEN CAST(0 AS FLOAT64)
          ELSE POWER(0.5, `age_days` / 30)
        END
        ELSE CAST(0 AS FLOAT64)
      END
    ) AS `a9_unsubscribe`
  FROM (
    SELECT
      `l`.`lead_key`,
      `r`.`activity_type`,
      CAST(`l`.`as_of_us` - `r`.`occurred_us` AS FLOAT64) / 86400000000 AS `age_days`
    FROM `activity_rows` AS `r`
    JOIN `lead_rows` AS `l`
      ON `r`.`lead_key` = `l`.`lead_key`
    WHERE
      `r`.`activity_type` IN (
        'content_download',
        'demo_request',
        'email_click',
        'email_open',
        'event_attended',
        'form_submit',
        'pricing_page_visit',
        'unsubscribe',
        'webinar_attended'
      )
  ) AS `aged`
  WHERE
    `age_days` >= 0 AND `age_days` <= 365
  GROUP BY
    `lead_key`
), `rule_values` AS (
  SELECT
    `l`.`lead_id`,
    CAST(CASE
      WHEN NOT `l`.`f1_industry_missing`
      AND `l`.`f1_industry_key` IN ('financial services', 'software', 'telecommunications')
      THEN 100
      WHEN NOT `l`.`f1_industry_missing`
      AND `l`.`f1_industry_key` IN ('healthcare', 'manufacturing', 'professional services')
      THEN 70
      WHEN NOT `l`.`f1_industry_missing`
      AND `l`.`f1_industry_key` IN ('logistics', 'media', 'retail')
      THEN 40
      WHEN NOT `l`.`f1_industry_missing`
      AND `l`.`f1_industry_key` IN ('education', 'government', 'non-profit')
      THEN 15
      WHEN `l`.`f1_industry_missing`
      THEN 10
      ELSE 20
    END AS FLOAT64) AS `p1_industry`,
    CAST(CASE
      WHEN `l`.`f2_employees_number` >= 1000
      THEN 100
      WHEN `l`.`f2_employees_number` >= 200 AND `l`.`f2_employees_number` < 1000
      THEN 80
      WHEN `l`.`f2_employees_number` >= 50 AND `l`.`f2_employees_number` < 200
      THEN 50
      WHEN `l`.`f2_employees_number` >= 10 AND `l`.`f2_employees_number` < 50
      THEN 20
      WHEN `l`.`f2_employees_missing`
      THEN 10
      ELSE 0
    END AS FLOAT64) AS `p2_company_size`,
    CAST(CASE
      WHEN `l`.`f3_annual_revenue_number` >= 100000000
      THEN 100
      WHEN `l`.`f3_annual_revenue_number` >= 20000000
      AND `l`.`f3_annual_revenue_number` < 100000000
      THEN 75
      WHEN `l`.`f3_annual_revenue_number` >= 5000000
      AND `l`.`f3_annual_revenue_number` < 20000000
      THEN 40
      WHEN `l`.`f3_annual_revenue_missing`
      THEN 15
      ELSE 5
    END AS FLOAT64) AS `p3_revenue`,
    CAST(CASE
      WHEN NOT `l`.`f4_job_title_missing`
      AND (
        INSTR(`l`.`f4_job_title_lower`, 'student') > 0
        OR INSTR(`l`.`f4_job_title_lower`, 'intern') > 0
        OR INSTR(`l`.`f4_job_title_lower`, 'unemployed') > 0
      )
      THEN -100
      WHEN NOT `l`.`f4_job_title_missing`
      AND (
        INSTR(`l`.`f4_job_title_lower`, 'director') > 0
        OR INSTR(`l`.`f4_job_title_lower`, 'head') > 0
      )
      THEN 85
      WHEN NOT `l`.`f4_job_title_missing`
      AND (
        INSTR(`l`.`f4_job_title_lower`, 'chief') > 0
        OR INSTR(`l`.`f4_job_title_lower`, 'cto') > 0
        OR INSTR(`l`.`f4_job_title_lower`, 'cio') > 0
        OR INSTR(`l`.`f4_job_title_lower`, 'ceo') > 0
        OR INSTR(`l`.`f4_job_title_lower`, 'cfo') > 0
        OR INSTR(`l`.`f4_job_title_lower`, 'vp') > 0
        OR INSTR(`l`.`f4_job_title_lower`, 'vice president') > 0
      )
      THEN 100
      WHEN NOT `l`.`f4_job_title_missing`
      AND (
        INSTR(`l`.`f4_job_title_lower`, 'manager') > 0
        OR INSTR(`l`.`f4_job_title_lower`, 'lead') > 0
      )
      THEN 55
      WHEN `l`.`f4_job_title_missing`
      THEN 0
      ELSE 20
    END AS FLOAT64) AS `p4_job_title`,
    CAST(CASE
      WHEN NOT `l`.`f5_country_missing`
      AND `l`.`f5_country_key` IN (
        'ca',
        'canada',
        'de',
        'gb',
        'germany',
        'uk',
        'united kingdom',
        'united states',
        'us',
        'usa'
      )
      THEN 100
      WHEN NOT `l`.`f5_country_missing`
      AND `l`.`f5_country_key` IN (
        'au',
        'australia',
        'denmark',
        'dk',
        'fr',
        'france',
        'netherlands',
        'nl',
        'no',
        'norway',
        'se',
        'sweden'
      )
      THEN 70
      WHEN `l`.`f5_country_missing`
      THEN 20
      ELSE 30
    END AS FLOAT64) AS `p5_country`,
    45 * CASE
      WHEN COALESCE(`c`.`a1_demo`, CAST(0 AS FLOAT64)) > 1
      THEN CAST(1 AS FLOAT64)
      ELSE COALESCE(`c`.`a1_demo`, CAST(0 AS FLOAT64))
    END AS `e1_demo`,
    12 * CASE
      WHEN COALESCE(`c`.`a2_pricing`, CAST(0 AS FLOAT64)) > 3
      THEN CAST(3 AS FLOAT64)
      ELSE COALESCE(`c`.`a2_pricing`, CAST(0 AS FLOAT64))
    END AS `e2_pricing`,
    15 * CASE
      WHEN COALESCE(`c`.`a3_trial`, CAST(0 AS FLOAT64)) > 2
      THEN CAST(2 AS FLOAT64)
      ELSE COALESCE(`c`.`a3_trial`, CAST(0 AS FLOAT64))
    END AS `e3_trial`,
    12 * CASE
      WHEN COALESCE(`c`.`a4_webinar`, CAST(0 AS FLOAT64)) > 2
      THEN CAST(2 AS FLOAT64)
      ELSE COALESCE(`c`.`a4_webinar`, CAST(0 AS FLOAT64))
    END AS `e4_webinar`,
    10 * CASE
      WHEN COALESCE(`c`.`a5_event`, CAST(0 AS FLOAT64)) > 2
      THEN CAST(2 AS FLOAT64)
      ELSE COALESCE(`c`.`a5_event`, CAST(0 AS FLOAT64))
    END AS `e5_event`,
    6 * CASE
      WHEN COALESCE(`c`.`a6_content`, CAST(0 AS FLOAT64)) > 3
      THEN CAST(3 AS FLOAT64)
      ELSE COALESCE(`c`.`a6_content`, CAST(0 AS FLOAT64))
    END AS `e6_content`,
    3 * CASE
      WHEN COALESCE(`c`.`a7_email_click`, CAST(0 AS FLOAT64)) > 5
      THEN CAST(5 AS FLOAT64)
      ELSE COALESCE(`c`.`a7_email_click`, CAST(0 AS FLOAT64))
    END AS `e7_email_click`,
    1 * CASE
      WHEN COALESCE(`c`.`a8_email_open`, CAST(0 AS FLOAT64)) > 5
      THEN CAST(5 AS FLOAT64)
      ELSE COALESCE(`c`.`a8_email_open`, CAST(0 AS FLOAT64))
    END AS `e8_email_open`,
    -40 * COALESCE(`c`.`a9_unsubscribe`, CAST(0 AS FLOAT64)) AS `e9_unsubscribe`,
    CAST(CASE
      WHEN `l`.`f6_total_visits_number` >= 20
      THEN 15
      WHEN `l`.`f6_total_visits_number` >= 8
      THEN 8
      WHEN `l`.`f6_total_visits_number` >= 3
      THEN 3
      ELSE 0
    END AS FLOAT64) AS `e10_visits`
  FROM `lead_rows` AS `l`
  LEFT JOIN `activity_counts` AS `c`
    ON `c`.`lead_key` = `l`.`lead_key`
), `raw_scores` AS (
  SELECT
    `lead_id`,
    25 * `p1_industry` / 100 + 20 * `p2_company_size` / 100 + 15 * `p3_revenue` / 100 + 25 * `p4_job_title` / 100 + 15 * `p5_country` / 100 AS `profile_raw`,
    (
      `e10_visits`
    ) + (
      `e1_demo` + `e2_pricing` + `e3_trial` + `e4_webinar` + `e5_event` + `e6_content` + `e7_email_click` + `e8_email_open` + `e9_unsubscribe`
    ) AS `engagement_raw`
  FROM `rule_values`
), `grades` AS (
  SELECT
    `lead_id`,
    `profile_score`,
    CASE
      WHEN `profile_score` >= CAST(69.999999999 AS FLOAT64)
      THEN 'A'
      WHEN `profile_score` >= CAST(49.999999999 AS FLOAT64)
      THEN 'B'
      WHEN `profile_score` >= CAST(29.999999999 AS FLOAT64)
      THEN 'C'
      ELSE 'D'
    END AS `profile_grade`,
    `engagement_score`,
    CASE
      WHEN `engagement_score` >= CAST(54.999999999 AS FLOAT64)
      THEN '1'
      WHEN `engagement_score` >= CAST(29.999999999 AS FLOAT64)
      THEN '2'
      WHEN `engagement_score` >= CAST(11.999999999 AS FLOAT64)
      THEN '3'
      ELSE '4'
    END AS `engagement_grade`
  FROM (
    SELECT
      `lead_id`,
      CASE
        WHEN `profile_raw` < 0
        THEN CAST(0 AS FLOAT64)
        WHEN `profile_raw` > 100
        THEN CAST(100 AS FLOAT64)
        ELSE `profile_raw`
      END AS `profile_score`,
      CASE
        WHEN `engagement_raw` < 0
        THEN CAST(0 AS FLOAT64)
        WHEN `engagement_raw` > 100
        THEN CAST(100 AS FLOAT64)
        ELSE `engagement_raw`
      END AS `engagement_score`
    FROM `raw_scores`
  ) AS `clipped`
), `ratings` AS (
  SELECT
    `lead_id`,
    `profile_score`,
    `profile_grade`,
    `engagement_score`,
    `engagement_grade`,
    `profile_grade` || `engagement_grade` AS `rating`
  FROM `grades`
)
SELECT
  `lead_id`,
  `profile_score`,
  `profile_grade`,
  `engagement_score`,
  `engagement_grade`,
  `rating`,
  CASE `rating`
    WHEN 'A1'
    THEN 'sales'
    WHEN 'B1'
    THEN 'sales'
    WHEN 'A2'
    THEN 'sales'
    WHEN 'A3'
    THEN 'sales'
    WHEN 'B2'
    THEN 'sales'
    WHEN 'B3'
    THEN 'sales'
    WHEN 'C1'
    THEN 'nurture:fast-track'
    WHEN 'D4'
    THEN 'nurture:slow'
    ELSE 'nurture'
  END AS `action`,
  CAST(CASE `rating`
    WHEN 'A1'
    THEN 24
    WHEN 'B1'
    THEN 24
    WHEN 'A2'
    THEN 48
    WHEN 'A3'
    THEN 48
    WHEN 'B2'
    THEN 48
    WHEN 'B3'
    THEN 48
    WHEN 'C1'
    THEN NULL
    WHEN 'D4'
    THEN NULL
    ELSE NULL
  END AS FLOAT64) AS `sla_hours`
FROM `ratings`
